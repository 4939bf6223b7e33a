// lamctl's embedded Node.js runtime client: the Lambda Runtime API loop with
// Node's standard library only. Behaves like AWS's Node.js runtime: same
// context object, same console format, same error bodies.
"use strict";
const http = require("http");
const path = require("path");
const fs = require("fs");
const util = require("util");
const { pathToFileURL } = require("url");

const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const BASE = "/2018-06-01/runtime";

function call(method, p, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host, port, method, path: BASE + p, agent, headers: headers || {} },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ res, body: Buffer.concat(chunks) }));
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

let requestId = "";
function patchConsole() {
  const write = (level) => (...args) => {
    process.stdout.write(
      `${new Date().toISOString()}\t${requestId}\t${level}\t${util.format(...args)}\n`,
    );
  };
  console.log = write("INFO");
  console.info = write("INFO");
  console.warn = write("WARN");
  console.error = write("ERROR");
  console.debug = write("DEBUG");
  console.trace = write("TRACE");
}

function errorBody(err, type) {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    errorType: type || e.name || "Error",
    errorMessage: e.message,
    trace: (e.stack || "").split("\n"),
  };
}

function logError(label, body) {
  process.stdout.write(
    `${new Date().toISOString()}\t${requestId}\tERROR\t${label} \t${JSON.stringify({
      errorType: body.errorType,
      errorMessage: body.errorMessage,
      stack: body.trace,
    })}\n`,
  );
}

async function initError(err, type, message) {
  const body = errorBody(err, type);
  if (message !== undefined) body.errorMessage = message;
  logError("Uncaught Exception", body);
  await call("POST", "/init/error", JSON.stringify(body), {
    "Lambda-Runtime-Function-Error-Type": body.errorType,
  });
  process.exit(1);
}

async function loadHandler(spec) {
  const dot = spec.lastIndexOf(".");
  const modulePath = spec.slice(0, dot);
  const name = spec.slice(dot + 1);
  const root = process.env.LAMBDA_TASK_ROOT;
  const base = path.resolve(root, modulePath);
  const candidates = [".js", ".mjs", ".cjs"].map((ext) => base + ext);
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) {
    return initError(
      new Error(`Cannot find module '${modulePath}'`),
      "Runtime.ImportModuleError",
      `Error: Cannot find module '${modulePath}'\nRequire stack:\n- ${root}`,
    );
  }
  let mod;
  try {
    if (file.endsWith(".mjs")) {
      mod = await import(pathToFileURL(file).href);
    } else {
      try {
        mod = require(file);
      } catch (e) {
        if (e && e.code === "ERR_REQUIRE_ESM") mod = await import(pathToFileURL(file).href);
        else throw e;
      }
    }
  } catch (e) {
    if (e instanceof SyntaxError) {
      return initError(e, "Runtime.UserCodeSyntaxError", `${e.name}: ${e.message}`);
    }
    return initError(e);
  }
  const fn = mod && (mod[name] || (mod.default && mod.default[name]));
  if (typeof fn !== "function") {
    return initError(
      new Error(`${spec} is undefined or not exported`),
      "Runtime.HandlerNotFound",
      `${spec} is undefined or not exported`,
    );
  }
  return fn;
}

function run(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err, result) => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err);
      else resolve(result);
    };
    try {
      const r = handler(event, context, done);
      if (r && typeof r.then === "function") r.then((v) => done(null, v), (e) => done(e));
      else if (handler.length < 3) done(null, r);
    } catch (e) {
      done(e);
    }
  });
}

async function main() {
  patchConsole();
  const handler = await loadHandler(process.env._HANDLER);
  for (;;) {
    const { res, body } = await call("GET", "/invocation/next");
    const h = res.headers;
    requestId = h["lambda-runtime-aws-request-id"];
    const deadline = Number(h["lambda-runtime-deadline-ms"] || 0);
    if (h["lambda-runtime-trace-id"]) process.env._X_AMZN_TRACE_ID = h["lambda-runtime-trace-id"];
    else delete process.env._X_AMZN_TRACE_ID;
    const context = {
      awsRequestId: requestId,
      invokedFunctionArn: h["lambda-runtime-invoked-function-arn"],
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: h["lambda-runtime-client-context"]
        ? JSON.parse(h["lambda-runtime-client-context"])
        : undefined,
      identity: h["lambda-runtime-cognito-identity"]
        ? JSON.parse(h["lambda-runtime-cognito-identity"])
        : undefined,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
    };
    let event;
    try {
      event = body.length ? JSON.parse(body.toString("utf8")) : {};
    } catch (e) {
      const b = errorBody(e, "Runtime.UnmarshalError");
      logError("Invoke Error", b);
      await postError(b);
      continue;
    }
    let result;
    try {
      result = await run(handler, event, context);
    } catch (e) {
      const b = errorBody(e);
      logError("Invoke Error", b);
      await postError(b);
      continue;
    }
    let out;
    try {
      out = result === undefined ? "null" : JSON.stringify(result);
    } catch (e) {
      const b = errorBody(e, "Runtime.MarshalError");
      logError("Invoke Error", b);
      await postError(b);
      continue;
    }
    await call("POST", `/invocation/${requestId}/response`, out, {
      "Content-Type": "application/json",
    });
  }
}

function postError(body) {
  return call("POST", `/invocation/${requestId}/error`, JSON.stringify(body), {
    "Lambda-Runtime-Function-Error-Type": body.errorType,
    "Content-Type": "application/json",
  });
}

main().catch((e) => {
  process.stdout.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
