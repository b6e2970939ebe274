from django.urls import path

from ipcity.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("programmes/<code:code>/", views.programme_detail, name="programme"),
    path("rows/", views.row_list, name="rows"),
    path("rows/<code:code>/", views.row_detail, name="row"),
    path("departments/", views.department_list, name="departments"),
    path("departments/<slug:code>/", views.department_detail, name="department"),
    path("stages/<code:code>/", views.stage_detail, name="stage"),
    path("task-table.xlsx", views.task_table_xlsx, name="task_table_xlsx"),
]
