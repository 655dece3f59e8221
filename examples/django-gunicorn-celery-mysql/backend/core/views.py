from rest_framework import generics
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from .models import Upload, VisualAnalysisResult
from .serializers import UploadSerializer, VisualAnalysisResultSerializer
from .tasks import analyse_image


@api_view(['GET'])
@permission_classes([IsAdminUser])
def admin_user_uploads(request):
    uploads = Upload.objects.all().order_by('-created_at')
    return Response(UploadSerializer(uploads, many=True).data)


class VisualAnalysisResultListCreateView(generics.ListCreateAPIView):
    serializer_class = VisualAnalysisResultSerializer

    def get_queryset(self):
        return VisualAnalysisResult.objects.filter(owner=self.request.user)

    def perform_create(self, serializer):
        result = serializer.save(owner=self.request.user)
        analyse_image.delay(result.pk)
