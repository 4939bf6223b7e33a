# The walkthrough's function behind a URL: GET /translate?input_text=...
import json

WORDS = {"hello": "bonjour", "world": "monde", "cat": "chat", "thank you": "merci"}


def handler(event, context):
    if event.get("rawPath") != "/translate":
        return {"statusCode": 404, "body": json.dumps({"error": "not found"})}
    text = (event.get("queryStringParameters") or {}).get("input_text", "")
    words = [WORDS.get(w.lower(), w) for w in text.split()]
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"input_text": text, "translated_text": " ".join(words)}),
    }
