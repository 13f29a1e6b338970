"""The plumbing's own answers to signals, loaded with every app's receivers once the
apps are ready: failed log-ins and lockouts go to the security log."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed

from sme_platform import security_log

user_login_failed.connect(security_log.log_login_failed, dispatch_uid="security-log-login-failed")
user_locked_out.connect(security_log.log_lockout, dispatch_uid="security-log-lockout")
