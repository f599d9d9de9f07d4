"""learn: what the user means and wants, from what they state and what they do."""
