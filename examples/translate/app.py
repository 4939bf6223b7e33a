import json
import os

import boto3

translate = boto3.client("translate")
table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def handler(event, context):
    out = translate.translate_text(
        Text=event["text"],
        SourceLanguageCode="auto",
        TargetLanguageCode=event.get("target", "fr"),
    )
    item = {"id": context.aws_request_id, "text": out["TranslatedText"]}
    table.put_item(Item=item)
    print(json.dumps(item))
    return item
