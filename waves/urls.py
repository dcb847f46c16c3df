app_name = "waves"
urlpatterns = []
