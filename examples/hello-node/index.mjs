// Greets whoever the event names; a complete Lambda handler (ES module).
export const handler = async (event) => {
  const name = (event && typeof event === "object" && event.name) || "world";
  console.log(`greeting ${name}`);
  return { statusCode: 200, body: JSON.stringify({ message: `hello, ${name}` }) };
};
