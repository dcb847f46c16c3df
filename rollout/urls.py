from django.urls import path

from . import views

app_name = "rollout"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("excel/", views.export, name="export"),
    path("<int:code>/", views.municipality, name="municipality"),
    path("<int:code>/opgaver/<int:task_id>/", views.task_edit, name="task-edit"),
    path("<int:code>/opgaver/<int:task_id>/udfoert/", views.task_done, name="task-done"),
    path("<int:code>/opgaver/<int:task_id>/historik/", views.task_history, name="task-history"),
    path("<int:code>/sparring/", views.sparring_create, name="sparring-create"),
    path("<int:code>/eskaler/", views.escalate, name="escalate"),
    path("sparring/<int:pk>/svar/", views.sparring_answer, name="sparring-answer"),
]
