# The market's records change only through their pages' services (workflows, audit trail); they are
# not registered in the Django admin.
