app_name = "professionals"
urlpatterns: list = []
