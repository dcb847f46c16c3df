from django.urls import path

from . import export_views, frontier_views, views

app_name = "waves"
urlpatterns = [
    path("", views.plan_current, name="plan-current"),
    path("planer/", views.plan_list, name="plan-list"),
    path("planer/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("planer/<int:pk>/excel/", export_views.plan_export, name="plan-export"),
    path("planer/<int:pk>/kommuner/<int:code>/", views.explanation, name="explanation"),
    path("sammenlign/", views.compare, name="compare"),
    path("afvejning/", frontier_views.frontier, name="frontier"),
    path("afvejning/beregn/", frontier_views.run, name="frontier-run"),
    path("afvejning/planer/<int:pk>/", frontier_views.point, name="frontier-point"),
    path("afvejning/planer/<int:pk>/udkast/", frontier_views.promote, name="frontier-promote"),
]
