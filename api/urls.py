from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

# The default router adds the API's root at /api/v1/: the list of its
# resources, browsable, as a reader starting there expects.
router = DefaultRouter()
router.include_format_suffixes = False
router.register("regions", views.RegionViewSet, basename="region")
router.register("municipalities", views.MunicipalityViewSet, basename="municipality")
router.register("waves", views.WaveViewSet, basename="wave")
router.register("wave-plans", views.WavePlanViewSet, basename="wave-plan")
router.register("readiness", views.ReadinessViewSet, basename="readiness")
router.register("rollout", views.RolloutViewSet, basename="rollout")
router.register("fora", views.ForumViewSet, basename="forum")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("decisions", views.DecisionViewSet, basename="decision")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file of its own, so
    # the page runs under the portal's Content-Security-Policy unchanged.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path(
        "wave-plans/<int:plan_id>/assignments/",
        views.AssignmentList.as_view(),
        name="assignment-list",
    ),
    path(
        "wave-plans/<int:plan_id>/assignments/<int:code>/",
        views.AssignmentDetail.as_view(),
        name="assignment-detail",
    ),
    *router.urls,
]
