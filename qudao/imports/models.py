"""Import jobs of historical orders and payments."""
