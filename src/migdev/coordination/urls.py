app_name = "coordination"
urlpatterns: list = []
