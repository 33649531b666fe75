"""The coordinación's deadlines screens, served by captura because the questionnaire states are captura's:
the deadlines dashboard (``/validacion/plazos``), the reminders to the overdue, and the omisos list."""
