"""Danish dates as Danish public-sector sites write them.

One style everywhere, pages and exports alike: "1. april 2014" in running
text, "1.4.2014" in tables and spreadsheets. Templates name these formats
(`|date:"DATE_FORMAT"`), never spell a format out. Django's own Danish
formats fill in everything not set here (input formats, separators).
"""

DATE_FORMAT = "j. F Y"
DATETIME_FORMAT = "j. F Y, H:i"
SHORT_DATE_FORMAT = "j.n.Y"
SHORT_DATETIME_FORMAT = "j.n.Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j. F"
YEAR_MONTH_FORMAT = "F Y"
