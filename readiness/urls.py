from django.urls import path

from . import views

app_name = "readiness"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:code>/", views.questionnaire_form, name="form"),
    path("<int:code>/svar/", views.answers, name="answers"),
    path("<int:code>/historik/", views.history, name="history"),
    path("<int:code>/gennemgang/", views.review, name="review"),
]
