"""Tortoise models, one module per aggregate. They know nothing of GraphQL or of the service."""

MODEL_MODULES = [
    "models.geography",
    "models.organizations",
    "models.users",
    "models.kindergartens",
    "models.families",
    "models.children",
    "models.delegation",
    "models.audit",
    "models.casework",
    "models.money",
    "models.reports",
    "models.supervision",
]
