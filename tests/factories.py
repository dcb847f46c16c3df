"""Test data shared across the apps' tests."""

from municipalities.models import Municipality, Region


def synthetic_municipalities(count, *, first_code=10_000, region=None):
    """Extra municipalities with codes outside the real range (101–860).

    For proving that a page's query count does not grow with the number of
    municipalities.
    """
    region = region or Region.objects.get(code=1083)
    return Municipality.objects.bulk_create(
        Municipality(
            code=first_code + n,
            name=f"Syntetisk {first_code + n} Kommune",
            short_name=f"Syntetisk {first_code + n}",
            region=region,
            centroid_lon=10.0,
            centroid_lat=56.0,
            area_km2=1.0,
        )
        for n in range(count)
    )
