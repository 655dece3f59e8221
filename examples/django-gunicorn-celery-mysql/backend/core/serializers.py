from rest_framework import serializers

from .models import Upload, VisualAnalysisResult


class UploadSerializer(serializers.ModelSerializer):
    class Meta:
        model = Upload
        fields = ['id', 'owner', 'image', 'is_active', 'created_at']


class VisualAnalysisResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = VisualAnalysisResult
        fields = ['id', 'upload', 'summary', 'created_at']
        read_only_fields = ['summary']
