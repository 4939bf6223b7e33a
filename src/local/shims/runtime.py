# lamctl's embedded Python runtime client: the Lambda Runtime API loop with
# the standard library only. Behaves like AWS's awslambdaric: same context
# object, same log format, same error bodies.
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
BASE = "/2018-06-01/runtime"
conn = http.client.HTTPConnection(API)


def call(method, path, body=None, headers=None):
    global conn
    for attempt in (0, 1):
        try:
            conn.request(method, BASE + path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp, resp.read()
        except (http.client.HTTPException, ConnectionError):
            # A dropped keep-alive connection: reconnect once.
            conn.close()
            conn = http.client.HTTPConnection(API)
            if attempt:
                raise


def error_body(exc, request_id, error_type=None):
    tb = traceback.extract_tb(exc.__traceback__)
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(tb),
    }


def log_error(body):
    lines = "".join(body["stackTrace"])
    sys.stdout.write(
        "[ERROR] %s: %s\nTraceback (most recent call last):\n%s"
        % (body["errorType"], body["errorMessage"], lines)
    )
    if not lines.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()


def init_error(exc, error_type, message):
    body = error_body(exc, "", error_type)
    body["errorMessage"] = message
    if error_type != "Runtime.UserCodeSyntaxError":
        body["stackTrace"] = []
    log_error(body)
    call(
        "POST",
        "/init/error",
        json.dumps(body).encode(),
        {"Lambda-Runtime-Function-Error-Type": error_type},
    )
    sys.exit(1)


class RequestIdFilter(logging.Filter):
    request_id = ""

    def filter(self, record):
        record.aws_request_id = RequestIdFilter.request_id
        return True


def setup_logging():
    handler = logging.StreamHandler(sys.stdout)
    fmt = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
        "%Y-%m-%dT%H:%M:%S",
    )
    fmt.converter = time.gmtime
    handler.setFormatter(fmt)
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    handler.terminator = ""


class CognitoIdentity:
    def __init__(self, raw):
        self.cognito_identity_id = raw.get("cognitoIdentityId")
        self.cognito_identity_pool_id = raw.get("cognitoIdentityPoolId")


class Client:
    def __init__(self, raw):
        self.installation_id = raw.get("installation_id")
        self.app_title = raw.get("app_title")
        self.app_version_name = raw.get("app_version_name")
        self.app_version_code = raw.get("app_version_code")
        self.app_package_name = raw.get("app_package_name")


class ClientContext:
    def __init__(self, raw):
        self.client = Client(raw.get("client") or {}) if raw.get("client") else None
        self.custom = raw.get("custom")
        self.env = raw.get("env")


class LambdaContext:
    def __init__(self, request_id, deadline_ms, arn, client_context, identity):
        self.aws_request_id = request_id
        self.invoked_function_arn = arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = ClientContext(client_context) if client_context else None
        self.identity = CognitoIdentity(identity or {})
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)


def load_handler(spec):
    module_path, _, name = spec.rpartition(".")
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except SyntaxError as e:
        init_error(e, "Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, e))
    except ImportError as e:
        init_error(e, "Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, e))
    except Exception as e:  # an error raised while the module initialises
        body = error_body(e, "")
        log_error(body)
        call("POST", "/init/error", json.dumps(body).encode(),
             {"Lambda-Runtime-Function-Error-Type": body["errorType"]})
        sys.exit(1)
    fn = getattr(module, name, None)
    if fn is None:
        init_error(AttributeError(name), "Runtime.HandlerNotFound",
                   "Handler '%s' missing on module '%s'" % (name, module_name))
    return fn


def main():
    setup_logging()
    handler = load_handler(os.environ["_HANDLER"])
    while True:
        resp, payload = call("GET", "/invocation/next")
        request_id = resp.getheader("Lambda-Runtime-Aws-Request-Id")
        RequestIdFilter.request_id = request_id
        trace = resp.getheader("Lambda-Runtime-Trace-Id")
        if trace:
            os.environ["_X_AMZN_TRACE_ID"] = trace
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        cc = resp.getheader("Lambda-Runtime-Client-Context")
        ci = resp.getheader("Lambda-Runtime-Cognito-Identity")
        context = LambdaContext(
            request_id,
            int(resp.getheader("Lambda-Runtime-Deadline-Ms") or 0),
            resp.getheader("Lambda-Runtime-Invoked-Function-Arn"),
            json.loads(cc) if cc else None,
            json.loads(ci) if ci else None,
        )
        try:
            event = json.loads(payload) if payload else {}
        except ValueError as e:
            body = error_body(e, request_id, "Runtime.UnmarshalError")
            body["errorMessage"] = "Unable to unmarshal input: %s" % e
            body["stackTrace"] = []
            log_error(body)
            post_error(request_id, body)
            continue
        try:
            result = handler(event, context)
        except Exception as e:
            body = error_body(e, request_id)
            # Drop the runtime's own frame, as awslambdaric does.
            body["stackTrace"] = body["stackTrace"][1:]
            log_error(body)
            post_error(request_id, body)
            continue
        try:
            out = json.dumps(result).encode()
        except (TypeError, ValueError) as e:
            body = error_body(e, request_id, "Runtime.MarshalError")
            body["errorMessage"] = "Unable to marshal response: %s" % e
            body["stackTrace"] = []
            log_error(body)
            post_error(request_id, body)
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        call("POST", "/invocation/%s/response" % request_id, out,
             {"Content-Type": "application/json"})


def post_error(request_id, body):
    sys.stdout.flush()
    sys.stderr.flush()
    call(
        "POST",
        "/invocation/%s/error" % request_id,
        json.dumps(body).encode(),
        {"Lambda-Runtime-Function-Error-Type": body["errorType"],
         "Content-Type": "application/json"},
    )


main()
