// Prints, as JSON, what a TypeScript program passes to each `new <pkg>.DatabasePlatform(name, {...})`
// and which component outputs it reads, read with the TypeScript compiler's own parser.
//   node tools/tscheck/args.cjs examples/typescript/index.ts
// Without a generated SDK (that needs the Pulumi CLI) the program cannot be type-checked; this
// lets the test suite check its args against the package schema instead.
"use strict";
const fs = require("fs");
const ts = require("typescript");

const file = process.argv[2];
const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2020, true);
const consts = new Map();
const platforms = [];
const outputs = [];
const problems = [];

function where(node) {
  const { line, character } = source.getLineAndCharacterOfPosition(node.getStart());
  return `${file}:${line + 1}:${character + 1}`;
}

function value(node) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isArrayLiteralExpression(node)) return node.elements.map(value);
  if (ts.isObjectLiteralExpression(node)) {
    const out = {};
    for (const prop of node.properties) {
      if (ts.isSpreadAssignment(prop) && ts.isIdentifier(prop.expression) && consts.has(prop.expression.text)) {
        Object.assign(out, value(consts.get(prop.expression.text)));
      } else if (ts.isPropertyAssignment(prop)) {
        out[prop.name.text] = value(prop.initializer);
      } else {
        problems.push(`${where(prop)}: cannot read ${prop.getText()}`);
      }
    }
    return out;
  }
  // <pkg>.<Enum>.<MEMBER>: an enum of the generated SDK.
  if (ts.isPropertyAccessExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    return { $enum: node.expression.name.text, member: node.name.text };
  }
  if (ts.isIdentifier(node) && consts.has(node.text)) return value(consts.get(node.text));
  problems.push(`${where(node)}: cannot read ${node.getText()}`);
  return null;
}

function visit(node) {
  if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
    const init = node.initializer;
    if (ts.isNewExpression(init) && ts.isPropertyAccessExpression(init.expression)
        && init.expression.name.text === "DatabasePlatform") {
      const [name, args] = init.arguments || [];
      platforms.push({ variable: node.name.text, name: value(name), args: args ? value(args) : {} });
    } else if (ts.isPropertyAccessExpression(init) && ts.isIdentifier(init.expression)) {
      outputs.push({ variable: init.expression.text, output: init.name.text });
    } else {
      consts.set(node.name.text, init);
    }
  }
  ts.forEachChild(node, visit);
}

visit(source);
process.stdout.write(JSON.stringify({ platforms, outputs, problems }, null, 2) + "\n");
