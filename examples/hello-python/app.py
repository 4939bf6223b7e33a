import json


def handler(event, context):
    """Greets whoever the event names; a complete Lambda handler."""
    name = event.get("name", "world") if isinstance(event, dict) else "world"
    print(f"greeting {name}")
    return {"statusCode": 200, "body": json.dumps({"message": f"hello, {name}"})}
