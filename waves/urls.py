from django.urls import path

from . import export_views, views

app_name = "waves"
urlpatterns = [
    path("", views.plan_current, name="plan-current"),
    path("planer/", views.plan_list, name="plan-list"),
    path("planer/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("planer/<int:pk>/excel/", export_views.plan_export, name="plan-export"),
    path("planer/<int:pk>/kommuner/<int:code>/", views.explanation, name="explanation"),
    path("sammenlign/", views.compare, name="compare"),
]
