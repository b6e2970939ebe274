"""Pure helpers with no models: environment, check digits, money, dates, Excel, text."""
