"""Regions, municipalities, their neighbours, and who works for which.

Every other app depends on this one and it depends on none of them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.PositiveIntegerField(_("region code"), primary_key=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The municipalities whose own pages a user may open.

        Coordinators and viewers see all of them; a project manager sees only
        the municipalities they are linked to; anyone else sees none.
        """
        from .roles import Role, role_of

        role = role_of(user)
        if role in (Role.COORDINATOR, Role.VIEWER):
            return self
        if role == Role.PROJECT_MANAGER:
            return self.filter(memberships__user=user).distinct()
        return self.none()

    def editable_by(self, user):
        """The municipalities whose answers a user may change."""
        from .roles import Role, role_of

        role = role_of(user)
        if role == Role.COORDINATOR:
            return self
        if role == Role.PROJECT_MANAGER:
            return self.filter(memberships__user=user).distinct()
        return self.none()


class Municipality(models.Model):
    code = models.PositiveIntegerField(
        _("municipality code"), primary_key=True, help_text=_("Kommunekode, e.g. 101")
    )
    name = models.CharField(_("official name"), max_length=100, unique=True)
    short_name = models.CharField(_("name"), max_length=60, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    centroid_lon = models.FloatField(_("centroid longitude"))
    centroid_lat = models.FloatField(_("centroid latitude"))
    area_km2 = models.FloatField(_("area (km²)"))
    neighbours = models.ManyToManyField(
        "self", through="NeighbourPair", symmetrical=False, related_name="+", blank=True
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("municipalities:detail", args=[self.code])

    @property
    def padded_code(self):
        """The code as DAGI, DAWA and CPR write it: four digits."""
        return f"{self.code:04d}"

    def neighbour_codes(self):
        pairs = NeighbourPair.objects.filter(Q(a=self) | Q(b=self)).values_list("a", "b")
        return sorted({b if a == self.code else a for a, b in pairs})


class MunicipalityOutline(models.Model):
    """A municipality's simplified outline (GeoJSON geometry, WGS84) for
    drawing the map.

    In its own table so that no query of municipalities carries it: at 2 KB
    to 40 KB a shape, decoding the outlines was most of a page that lists
    municipalities (and every `select_related` of one), and only the map
    reads them.
    """

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="outline",
        verbose_name=_("municipality"),
    )
    geometry = models.JSONField(_("map shape"), default=dict, blank=True)

    class Meta:
        verbose_name = _("map shape")
        verbose_name_plural = _("map shapes")

    def __str__(self):
        return str(self.municipality_id)


class NeighbourPair(models.Model):
    """Two municipalities that share a land border, or are near each other.

    Stored once per unordered pair with a < b; `kind` says whether it is a
    land border or a distance-based "nearby" link for the islands.
    """

    class Kind(models.TextChoices):
        BORDER = "border", _("shared land border")
        NEARBY = "nearby", _("nearby (island)")

    a = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="pairs_as_a")
    b = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="pairs_as_b")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["a", "b"]
        verbose_name = _("neighbour pair")
        verbose_name_plural = _("neighbour pairs")
        constraints = [
            models.UniqueConstraint(fields=["a", "b"], name="neighbour_pair_unique"),
            models.CheckConstraint(
                condition=Q(a__lt=models.F("b")), name="neighbour_pair_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.a} – {self.b}"


class Membership(models.Model):
    """A project manager's link to a municipality they work for."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="municipality_memberships",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("municipality"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["municipality", "user"]
        verbose_name = _("project manager link")
        verbose_name_plural = _("project manager links")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="membership_unique")
        ]

    def __str__(self):
        return f"{self.user} → {self.municipality}"
