from django.urls import path

from . import reminder_views, views, waitlist_views

app_name = "bookings"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pay/", views.pay, name="pay"),
    path("<int:pk>/pay/start/", views.pay_start, name="pay_start"),
    path("<int:pk>/pay/<int:payment_pk>/charge/", views.pay_charge, name="pay_charge"),
    path("<int:pk>/pay/<int:payment_pk>/finish/", views.pay_finish, name="pay_finish"),
    path("<int:pk>/release/", views.release, name="release"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("manage/", views.manage, name="manage"),
    path("manage/clients/<int:pk>/", views.manage_client, name="manage_client"),
    path("manage/payments/<int:pk>/", views.manage_payment, name="manage_payment"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("reminders/", reminder_views.reminder_settings, name="reminder_settings"),
    path("waitlist/join/<int:coach_pk>/", waitlist_views.join, name="waitlist_join"),
    path("waitlist/<int:pk>/leave/", waitlist_views.leave, name="waitlist_leave"),
    path("waitlist/offers/<int:pk>/", waitlist_views.offer, name="waitlist_offer"),
    path("waitlist/offers/<int:pk>/decline/", waitlist_views.decline, name="waitlist_decline"),
]
