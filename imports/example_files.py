"""The example file of each import, shipped in imports/examples/.

Each import has the same example as an Excel workbook and as a CSV file
(semicolon-separated, UTF-8 with BOM, as Excel saves "CSV UTF-8"). The
figures in them are invented; the title row says so.
"""

from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent / "examples"
EXTENSIONS = ("xlsx", "csv")


def path(importer, extension):
    if extension not in EXTENSIONS:
        return None
    return DIRECTORY / f"{importer.example_name}.{extension}"


def files(importer):
    """[(extension, filename)] of the examples that exist."""
    return [
        (extension, example.name)
        for extension in EXTENSIONS
        if (example := path(importer, extension)).exists()
    ]
