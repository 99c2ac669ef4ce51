"""The CronJob controller (pkg/controller/cronjob): cronjob_controllerv2 and utils."""
