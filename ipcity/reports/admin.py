# Editions and editorial texts change only through the white paper page's services (audit trail,
# immutable published editions); they are not registered in the Django admin.
