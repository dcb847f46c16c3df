from django.urls import path

from . import views

app_name = "governance"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("fora/<slug:slug>/", views.forum_detail, name="forum-detail"),
    path("fora/<slug:slug>/moeder.ics", views.forum_calendar, name="forum-calendar"),
    path("moeder/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("bilag/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("oensker/", views.wish_list, name="wish-list"),
    path("oensker/excel/", views.wish_export, name="wish-export"),
    path("oensker/nyt/", views.wish_create, name="wish-create"),
    path("oensker/<int:pk>/", views.wish_detail, name="wish-detail"),
    path("oensker/<int:pk>/trin/", views.wish_transition, name="wish-transition"),
]
