-- Users' email addresses, for 催报 reminders by email when SMTP is configured.
ALTER TABLE users ADD COLUMN email TEXT;
