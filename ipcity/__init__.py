"""ipcity: the platform on which a city IP office runs its IP-strong-city plan."""
