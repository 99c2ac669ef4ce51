"""The Job controller (pkg/controller/job), one module per Go file: job_controller (the informer
handlers, syncJob, manageJob, tracking with the job-tracking finalizer), indexed_job_utils,
pod_failure_policy, success_policy, backoff_utils and util."""
