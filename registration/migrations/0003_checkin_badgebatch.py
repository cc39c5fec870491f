# Written for the BadgeBatch model only (other helpers change registration models in parallel).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0002_eventpage_room_session'),
        ('registration', '0002_checkin'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BadgeBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='requested at')),
                ('layout', models.CharField(choices=[('a6', 'A6, one badge per page'), ('a4', 'A4, four badges per sheet')], default='a4', max_length=4, verbose_name='layout')),
                ('filters', models.JSONField(blank=True, default=dict, verbose_name='filters')),
                ('status', models.CharField(choices=[('pending', 'Waiting'), ('running', 'Making badges'), ('done', 'Ready'), ('failed', 'Failed')], default='pending', max_length=10, verbose_name='status')),
                ('total', models.PositiveIntegerField(default=0, verbose_name='badges')),
                ('done', models.PositiveIntegerField(default=0, verbose_name='badges made')),
                ('file', models.FileField(blank=True, upload_to='badges/', verbose_name='file')),
                ('error', models.TextField(blank=True, verbose_name='error')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='badge_batches', to='cms.eventpage', verbose_name='event')),
            ],
            options={
                'verbose_name': 'badge batch',
                'verbose_name_plural': 'badge batches',
                'ordering': ['-created_at', '-pk'],
            },
        ),
    ]
