"""Write-side business rules ("services"). Views, tasks and admin screens only call these."""
