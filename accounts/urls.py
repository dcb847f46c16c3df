from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("noegler/", views.token_create, name="token-create"),
    path("noegler/<int:pk>/tilbagekald/", views.token_revoke, name="token-revoke"),
]
