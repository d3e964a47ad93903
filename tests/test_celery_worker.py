from accounts.tasks import heartbeat
from config.celery import app


def test_a_real_worker_runs_a_task_through_redis(celery_worker_process):
    result = heartbeat.delay()
    assert result.get(timeout=20) == 1
    assert result.status == "SUCCESS"


def test_celery_is_configured_for_json_and_bounded_tasks():
    conf = app.conf
    assert (conf.task_serializer, conf.result_serializer, conf.accept_content) == ("json", "json", ["json"])
    assert conf.task_time_limit == 120
    assert conf.task_soft_time_limit == 90
    assert conf.broker_url.startswith("redis://")
    assert "heartbeat" in conf.beat_schedule

