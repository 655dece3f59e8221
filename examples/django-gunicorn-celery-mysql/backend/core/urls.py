from django.urls import path

from . import views

urlpatterns = [
    path('admin/uploads/', views.admin_user_uploads),
    path('analysis/', views.VisualAnalysisResultListCreateView.as_view()),
]
