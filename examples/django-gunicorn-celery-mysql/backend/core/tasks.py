from celery import shared_task
from django.core.cache import cache


@shared_task
def analyse_image(result_id):
    from .models import VisualAnalysisResult

    result = VisualAnalysisResult.objects.get(pk=result_id)
    result.run_analysis()
    cache.delete(f'analysis:{result.owner_id}')
