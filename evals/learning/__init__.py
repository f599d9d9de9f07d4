"""The learning eval: simulated users with hidden preferences, living with taskd for weeks."""
