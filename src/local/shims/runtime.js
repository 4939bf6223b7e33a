// lamctl's embedded Node.js runtime client: the Lambda Runtime API loop with
// Node's standard library only.
//
// Upstream: aws-lambda-ric 3.3.0 (github.com/aws/aws-lambda-nodejs-runtime-interface-client,
// Apache-2.0, Copyright Amazon.com, Inc. or its affiliates; see NOTICE).
// Follows: src/Errors.js, LogPatch.js, BeforeExitListener.js, CallbackContext.js,
// InvokeContext.js, UserFunction.js, Runtime.js, StreamingContext.js,
// ResponseStream.js, HttpResponseStream.js, index.mjs.
//
// It is a port of that client, with HTTP in place of its native
// client: the same callback/promise semantics (callbackWaitsForEmptyEventLoop,
// context.succeed/fail/done), error documents, log lines and exit codes.
"use strict";
const http = require("http");
const path = require("path");
const fs = require("fs");
const util = require("util");
const { pathToFileURL } = require("url");

// ---------------------------------------------------------------- Errors
function isErrorLike(obj) {
  return (
    obj && obj.name && obj.message && obj.stack &&
    typeof obj.name === "string" && typeof obj.message === "string" && typeof obj.stack === "string"
  );
}

function intoError(err) {
  return err instanceof Error ? err : new Error(err);
}

function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return {
        errorType: error.name?.replaceAll("\x7F", "%7F"),
        errorMessage: error.message?.replaceAll("\x7F", "%7F"),
        trace: error.stack.replaceAll("\x7F", "%7F").split("\n"),
      };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch (_err) {
    return {
      errorType: "handled",
      errorMessage:
        "callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack",
    };
  }
}

function withEnumerableProperties(error) {
  if (error instanceof Error) {
    const ret = Object.assign({ errorType: error.name, errorMessage: error.message, code: error.code }, error);
    if (typeof error.stack == "string") ret.stack = error.stack.split("\n");
    return ret;
  }
  return error;
}

function toFormatted(error) {
  try {
    return "\t" + JSON.stringify(error, (_k, v) => withEnumerableProperties(v));
  } catch (err) {
    return "\t" + JSON.stringify(toRapidResponse(error));
  }
}

const Errors = {};
[
  class ImportModuleError extends Error {},
  class HandlerNotFound extends Error {},
  class MalformedHandlerName extends Error {},
  class UserCodeSyntaxError extends Error {},
  class MalformedStreamingHandler extends Error {},
  class InvalidStreamingOperation extends Error {},
  class NodeJsExit extends Error {
    constructor() {
      super(
        "The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes",
      );
    }
  },
  class UnhandledPromiseRejection extends Error {
    constructor(reason, promise) {
      super(reason);
      this.reason = reason;
      this.promise = promise;
    }
  },
].forEach((e) => {
  Errors[e.name] = e;
  e.prototype.name = `Runtime.${e.name}`;
});

// -------------------------------------------------------------- LogPatch
const REQUEST_ID_SYMBOL = Symbol.for("aws.lambda.runtime.requestId");
const TENANT_ID_SYMBOL = Symbol.for("aws.lambda.runtime.tenantId");
const structuredConsole = {};

function logTextToStdout(level, message, ...params) {
  const time = new Date().toISOString();
  const requestId = global[REQUEST_ID_SYMBOL];
  let line = `${time}\t${requestId}\t${level.name}\t${util.format(message, ...params)}`;
  line = line.replace(/\n/g, "\r");
  process.stdout.write(line + "\n");
}

function patchConsole() {
  const log = logTextToStdout;
  const NopLog = () => {};
  const levels = Object.freeze({
    TRACE: { name: "TRACE", priority: 1 },
    DEBUG: { name: "DEBUG", priority: 2 },
    INFO: { name: "INFO", priority: 3 },
    WARN: { name: "WARN", priority: 4 },
    ERROR: { name: "ERROR", priority: 5 },
    FATAL: { name: "FATAL", priority: 6 },
  });
  const min = levels[process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase()] ?? levels.TRACE;
  const at = (level) => (level.priority >= min.priority ? (msg, ...p) => log(level, msg, ...p) : NopLog);
  console.trace = at(levels.TRACE);
  console.debug = at(levels.DEBUG);
  console.info = at(levels.INFO);
  console.log = console.info;
  console.warn = at(levels.WARN);
  console.error = at(levels.ERROR);
  console.fatal = (msg, ...p) => log(levels.FATAL, msg, ...p);
  structuredConsole.logError = (msg, err) => {
    console.error(msg, toFormatted(intoError(err)));
  };
}

// ---------------------------------------------------- BeforeExitListener
const LISTENER_SYMBOL = Symbol.for("aws.lambda.beforeExit");
const NO_OP_LISTENER = () => {};
const BeforeExitListener = {
  invoke: () => global[LISTENER_SYMBOL](),
  reset: () => (global[LISTENER_SYMBOL] = NO_OP_LISTENER),
  set: (listener) => (global[LISTENER_SYMBOL] = listener),
};

// ----------------------------------------------------------- RAPIDClient
const ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";

function trySerializeResponse(body) {
  try {
    return JSON.stringify(body === undefined ? null : body);
  } catch (err) {
    throw new Error("Unable to stringify response body");
  }
}

class RAPIDClient {
  constructor(hostnamePort) {
    const [hostname, port] = hostnamePort.split(":");
    this.hostname = hostname;
    this.port = parseInt(port, 10);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  postInvocationResponse(response, id, callback) {
    const bodyString = trySerializeResponse(response);
    this._post(`/2018-06-01/runtime/invocation/${encodeURIComponent(id)}/response`, bodyString, {}, callback);
  }

  postInvocationError(error, id, callback) {
    const response = toRapidResponse(error);
    this._post(
      `/2018-06-01/runtime/invocation/${encodeURIComponent(id)}/error`,
      trySerializeResponse(response),
      { [ERROR_TYPE_HEADER]: response.errorType },
      callback,
    );
  }

  postInitError(error, callback) {
    const response = toRapidResponse(error);
    this._post("/2018-06-01/runtime/init/error", trySerializeResponse(response), { [ERROR_TYPE_HEADER]: response.errorType }, callback);
  }

  getStreamForInvocationResponse(id) {
    const request = http.request({
      agent: this.agent,
      hostname: this.hostname,
      port: this.port,
      method: "POST",
      path: `/2018-06-01/runtime/invocation/${encodeURIComponent(id)}/response`,
      headers: {
        "Lambda-Runtime-Function-Response-Mode": "streaming",
        "Transfer-Encoding": "chunked",
        "Content-Type": "application/octet-stream",
      },
    });
    request.setContentType = (type) => request.setHeader("Content-Type", type);
    const write = request.write.bind(request);
    request.write = (chunk, ...rest) => {
      if (request._onBeforeFirstWrite) {
        const first = request._onBeforeFirstWrite;
        request._onBeforeFirstWrite = undefined;
        first((c) => write(c));
      }
      return write(chunk, ...rest);
    };
    const end = request.end.bind(request);
    request.end = (...args) => {
      if (request._onBeforeFirstWrite) request.write("");
      return end(...args);
    };
    const responseDone = new Promise((resolve, reject) => {
      request.on("response", (res) => {
        res.on("data", () => {});
        res.on("end", resolve);
      });
      request.on("error", reject);
    });
    return { request, responseDone };
  }

  nextInvocation() {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { hostname: this.hostname, port: this.port, path: "/2018-06-01/runtime/invocation/next", method: "GET", agent: this.agent },
        (response) => {
          let data = "";
          response
            .setEncoding("utf-8")
            .on("data", (chunk) => (data += chunk))
            // Resolved from an immediate, not within the stream's ticks: the
            // handler then runs as under the official client's native HTTP
            // client, with no `processTicksAndRejections` frame in its traces.
            .on("end", () => setImmediate(() => resolve({ bodyJson: data, headers: response.headers })));
        },
      );
      req.on("error", reject).end();
    });
  }

  _post(p, bodyString, headers, callback) {
    const request = http.request(
      {
        hostname: this.hostname,
        port: this.port,
        path: p,
        method: "POST",
        headers: Object.assign(
          { "Content-Type": "application/json", "Content-Length": Buffer.from(bodyString).length },
          headers || {},
        ),
        agent: this.agent,
      },
      (response) => {
        response.on("end", () => callback && callback()).on("data", () => {});
      },
    );
    request.on("error", (e) => {
      throw e;
    });
    request.end(bodyString, "utf-8");
  }
}

// --------------------------------------------------------- InvokeContext
function parseJsonHeader(jsonString, name) {
  if (jsonString === undefined) return undefined;
  try {
    return JSON.parse(jsonString);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

function attachEnvironmentData(headers, callbackContext) {
  if (headers["lambda-runtime-trace-id"]) process.env._X_AMZN_TRACE_ID = headers["lambda-runtime-trace-id"];
  else delete process.env._X_AMZN_TRACE_ID;
  const deadline = headers["lambda-runtime-deadline-ms"];
  return Object.assign(
    callbackContext,
    {
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    },
    {
      clientContext: parseJsonHeader(headers["lambda-runtime-client-context"], "ClientContext"),
      identity: parseJsonHeader(headers["lambda-runtime-cognito-identity"], "CognitoIdentity"),
      invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"],
      awsRequestId: headers["lambda-runtime-aws-request-id"],
      tenantId: headers["lambda-runtime-aws-tenant-id"],
      getRemainingTimeInMillis: function () {
        return deadline - Date.now();
      },
    },
  );
}

// ------------------------------------------------------- CallbackContext
function buildCallbackContext(client, id, scheduleNext) {
  const postError = (err, callback) => {
    structuredConsole.logError("Invoke Error", err);
    client.postInvocationError(err, id, callback);
  };
  let isCompleteInvoked = false;
  const complete = (result, callback) => {
    if (isCompleteInvoked) {
      console.error("Invocation has already been reported as done. Cannot call complete more than once per invocation.");
      return;
    }
    isCompleteInvoked = true;
    client.postInvocationResponse(result, id, callback);
  };
  let waitForEmptyEventLoop = true;
  const callback = function (err, result) {
    BeforeExitListener.reset();
    if (err !== undefined && err !== null) {
      postError(err, scheduleNext);
    } else if (!waitForEmptyEventLoop) {
      complete(result, scheduleNext);
    } else {
      BeforeExitListener.set(() => setImmediate(() => complete(result, scheduleNext)));
    }
  };
  const done = (err, result) => {
    BeforeExitListener.reset();
    if (err !== undefined && err !== null) postError(err, scheduleNext);
    else complete(result, scheduleNext);
  };
  const succeed = (result) => done(null, result);
  const fail = (err) => (err === undefined || err === null ? done("handled") : done(err, null));
  const callbackContext = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    succeed,
    fail,
    done,
  };
  // Only the first call of any of them counts.
  let finished = false;
  const once = (f) =>
    function () {
      if (!finished) {
        f.apply(null, arguments);
        finished = true;
      }
    };
  callbackContext.succeed = once(callbackContext.succeed);
  callbackContext.fail = once(callbackContext.fail);
  callbackContext.done = once(callbackContext.done);
  return [once(callback), callbackContext, () => (isCompleteInvoked = true)];
}

// ---------------------------------------------------------- UserFunction
const HANDLER_STREAMING = Symbol.for("aws.lambda.runtime.handler.streaming");
const STREAM_RESPONSE = "response";

class HttpResponseStream {
  static from(underlyingStream, prelude) {
    underlyingStream.setContentType("application/vnd.awslambda.http-integration-response");
    const metadataPrelude = JSON.stringify(prelude);
    underlyingStream._onBeforeFirstWrite = (write) => {
      write(metadataPrelude);
      write(new Uint8Array(8));
    };
    return underlyingStream;
  }
}

function tryRequireFile(file, extension) {
  const p = file + (extension || "");
  return fs.existsSync(p) ? require(p) : undefined;
}

async function tryAwaitImport(file, extension) {
  const p = file + (extension || "");
  return fs.existsSync(p) ? await import(pathToFileURL(p).href) : undefined;
}

function hasFolderPackageJsonTypeModule(folder) {
  if (folder.endsWith("/node_modules")) return false;
  const pj = path.join(folder, "/package.json");
  if (fs.existsSync(pj)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(pj));
      if (pkg) return pkg.type === "module";
    } catch (e) {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  if (folder === "/") return false;
  return hasFolderPackageJsonTypeModule(path.resolve(folder, ".."));
}

async function tryRequire(appRoot, moduleRoot, module) {
  const lambdaStylePath = path.resolve(appRoot, moduleRoot, module);
  const extensionless = tryRequireFile(lambdaStylePath);
  if (extensionless) return extensionless;
  const jsPath = lambdaStylePath + ".js";
  const pjHasModule = fs.existsSync(jsPath) && hasFolderPackageJsonTypeModule(path.resolve(path.dirname(jsPath)));
  if (!pjHasModule) {
    const loaded = tryRequireFile(lambdaStylePath, ".js");
    if (loaded) return loaded;
  }
  const loaded =
    (pjHasModule && (await tryAwaitImport(lambdaStylePath, ".js"))) ||
    (await tryAwaitImport(lambdaStylePath, ".mjs")) ||
    tryRequireFile(lambdaStylePath, ".cjs");
  if (loaded) return loaded;
  return require(require.resolve(module, { paths: [appRoot, moduleRoot] }));
}

async function loadUserFunction(appRoot, fullHandlerString) {
  if (fullHandlerString.includes("..")) {
    throw new Errors.MalformedHandlerName(
      `'${fullHandlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const handlerString = path.basename(fullHandlerString);
  const moduleRoot = fullHandlerString.substring(0, fullHandlerString.indexOf(handlerString));
  const match = handlerString.match(/^([^.]*)\.(.*)$/);
  if (!match || match.length != 3) throw new Errors.MalformedHandlerName("Bad handler");
  const [, module, handlerPath] = match;
  globalThis.awslambda = {
    streamifyResponse: (handler) => {
      handler[HANDLER_STREAMING] = STREAM_RESPONSE;
      return handler;
    },
    HttpResponseStream,
  };
  let userApp;
  try {
    userApp = await tryRequire(appRoot, moduleRoot, module);
  } catch (e) {
    if (e instanceof SyntaxError) throw new Errors.UserCodeSyntaxError(e);
    if (e.code !== undefined && e.code === "MODULE_NOT_FOUND") throw new Errors.ImportModuleError(e);
    throw e;
  }
  const handlerFunc = handlerPath.split(".").reduce((nested, key) => nested && nested[key], userApp);
  if (!handlerFunc) throw new Errors.HandlerNotFound(`${fullHandlerString} is undefined or not exported`);
  if (typeof handlerFunc !== "function") throw new Errors.HandlerNotFound(`${fullHandlerString} is not a function`);
  return handlerFunc;
}

function handlerMetadata(handlerFunc) {
  const s = handlerFunc[HANDLER_STREAMING];
  if (s !== undefined && s !== null && s !== false && s !== STREAM_RESPONSE) {
    throw new Errors.MalformedStreamingHandler("Only response streaming is supported.");
  }
  return {
    streaming: s === STREAM_RESPONSE ? STREAM_RESPONSE : false,
    argsNum: handlerFunc.length,
  };
}

// --------------------------------------------------------------- Runtime
function isPromise(obj) {
  return obj && obj.then && typeof obj.then === "function";
}

class Runtime {
  constructor(client, handler, metadata, errorCallbacks) {
    this.client = client;
    this.handler = handler;
    this.metadata = metadata;
    this.errorCallbacks = errorCallbacks;
    this.handleOnce = metadata.streaming === STREAM_RESPONSE ? this.handleOnceStreaming : this.handleOnceNonStreaming;
  }

  scheduleIteration() {
    setImmediate(() => {
      this.handleOnce().then(
        () => {},
        (err) => {
          console.log(`Unexpected Top Level Error: ${err.toString()}`);
          this.errorCallbacks.uncaughtException(err);
        },
      );
    });
  }

  async handleOnceNonStreaming() {
    const { bodyJson, headers } = await this.client.nextInvocation();
    const invokeId = headers["lambda-runtime-aws-request-id"];
    global[REQUEST_ID_SYMBOL] = invokeId;
    global[TENANT_ID_SYMBOL] = headers["lambda-runtime-aws-tenant-id"];
    const [callback, callbackContext, markCompleted] = buildCallbackContext(
      this.client,
      invokeId,
      this.scheduleIteration.bind(this),
    );
    try {
      this.setErrorCallbacks(invokeId);
      this.setDefaultExitListener(invokeId, markCompleted);
      const result = this.handler(JSON.parse(bodyJson), attachEnvironmentData(headers, callbackContext), callback);
      if (isPromise(result)) {
        result.then(callbackContext.succeed, callbackContext.fail).catch(callbackContext.fail);
      }
    } catch (err) {
      callback(err);
    }
  }

  async handleOnceStreaming() {
    const { bodyJson, headers } = await this.client.nextInvocation();
    const invokeId = headers["lambda-runtime-aws-request-id"];
    global[REQUEST_ID_SYMBOL] = invokeId;
    global[TENANT_ID_SYMBOL] = headers["lambda-runtime-aws-tenant-id"];
    let waitForEmptyEventLoop = true;
    const ctx = {
      get callbackWaitsForEmptyEventLoop() {
        return waitForEmptyEventLoop;
      },
      set callbackWaitsForEmptyEventLoop(value) {
        waitForEmptyEventLoop = value;
      },
    };
    const { request: responseStream, responseDone } = this.client.getStreamForInvocationResponse(invokeId);
    const scheduleNext = () => {
      BeforeExitListener.reset();
      if (!waitForEmptyEventLoop) this.scheduleIteration();
      else BeforeExitListener.set(() => setImmediate(() => this.scheduleIteration()));
    };
    const fail = (err) => {
      structuredConsole.logError("Invoke Error", err);
      const r = toRapidResponse(intoError(err));
      responseStream.addTrailers({
        "Lambda-Runtime-Function-Error-Type": r.errorType,
        "Lambda-Runtime-Function-Error-Body": Buffer.from(JSON.stringify(r)).toString("base64"),
      });
      responseStream.end();
      responseDone.then(scheduleNext, scheduleNext);
    };
    try {
      this.setErrorCallbacks(invokeId);
      BeforeExitListener.set(() => this.scheduleIteration());
      const result = this.handler(JSON.parse(bodyJson), responseStream, attachEnvironmentData(headers, ctx));
      if (!isPromise(result)) {
        fail("Streaming does not support non-async handlers.");
        return;
      }
      if (typeof (await result) !== "undefined") console.warn("Streaming handlers ignore return values.");
      if (!responseStream.writableFinished) {
        await new Promise((resolve) => responseStream.on("finish", resolve));
      }
      await responseDone;
      scheduleNext();
    } catch (err) {
      fail(err);
    }
  }

  setErrorCallbacks(invokeId) {
    this.errorCallbacks.uncaughtException = (error) => {
      this.client.postInvocationError(error, invokeId, () => process.exit(129));
    };
    this.errorCallbacks.unhandledRejection = (error) => {
      this.client.postInvocationError(error, invokeId, () => process.exit(128));
    };
  }

  // A handler that never answers: once the event loop is empty, the
  // invocation succeeds with null (aws-lambda-ric 3.3.0; newer sources
  // report Runtime.NodeJsExit for async handlers).
  setDefaultExitListener(invokeId, markCompleted) {
    BeforeExitListener.set(() => {
      markCompleted();
      this.client.postInvocationResponse(null, invokeId, () => this.scheduleIteration());
    });
  }
}

// ----------------------------------------------------------------- index
async function run(appRoot, handler) {
  patchConsole();
  const client = new RAPIDClient(process.env.AWS_LAMBDA_RUNTIME_API);
  const errorCallbacks = {
    uncaughtException: (error) => client.postInitError(error, () => process.exit(129)),
    unhandledRejection: (error) => client.postInitError(error, () => process.exit(128)),
  };
  process.on("uncaughtException", (error) => {
    structuredConsole.logError("Uncaught Exception", error);
    errorCallbacks.uncaughtException(error);
  });
  process.on("unhandledRejection", (reason, promise) => {
    const error = new Errors.UnhandledPromiseRejection(reason, promise);
    structuredConsole.logError("Unhandled Promise Rejection", error);
    errorCallbacks.unhandledRejection(error);
  });
  BeforeExitListener.reset();
  process.on("beforeExit", BeforeExitListener.invoke);
  const handlerFunc = await loadUserFunction(appRoot, handler);
  const metadata = handlerMetadata(handlerFunc);
  new Runtime(client, handlerFunc, metadata, errorCallbacks).scheduleIteration();
}

// A failed load rejects: as with the official client's top-level await,
// that reaches the uncaughtException handler (init error, exit 129).
run(process.env.LAMBDA_TASK_ROOT, process.env._HANDLER).catch((e) => {
  process.emit("uncaughtException", e);
});
