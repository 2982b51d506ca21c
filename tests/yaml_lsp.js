#!/usr/bin/env node
// yaml_lsp.js SERVER FILE[@LINE:COL]...: a small LSP client for tests/test_editor.c. Starts
// the yaml-language-server SERVER over stdio, opens each FILE (which carries its own schema
// modeline) in one session, prints the diagnostics the server publishes for it and, given a
// LINE:COL, the labels of the completion there, 1-based as an editor and meshroll show them:
//   FILE:LINE:COL: SEVERITY: MESSAGE
//   FILE:LINE:COL: completion: LABEL
// then closes with "yaml_lsp: yaml-language-server VERSION: N files, N diagnostics,
// N completions". Nothing leaves the machine: SchemaStore and the Kubernetes CRD store are
// off. Exit 2 when the server fails or does not answer in time.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

const [server, ...args] = process.argv.slice(2);
if (!server || !args.length) {
	console.error('usage: yaml_lsp.js SERVER FILE[@LINE:COL]...');
	process.exit(2);
}
const files = args.map((arg) => {
	const m = /^(.*?)(?:@(\d+):(\d+))?$/.exec(arg);
	return { name: m[1], uri: pathToFileURL(path.resolve(m[1])).href,
		at: m[2] && { line: Number(m[2]) - 1, character: Number(m[3]) - 1 } };
});
const settings = {
	yaml: {
		yamlVersion: '1.1', // as meshroll and kubectl read it
		validate: true,
		completion: true,
		hover: true,
		schemaStore: { enable: false },
		kubernetesCRDStore: { enable: false },
	},
	http: {},
	editor: { tabSize: 2 },
};
const severities = ['', 'error', 'warning', 'info', 'hint'];

let done = false;
const proc = spawn(server, ['--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
proc.on('error', (e) => fail(`cannot start ${server}: ${e.message}`));
proc.on('exit', (code) => done || fail(`${server} exited ${code} before the test was over`));
const timer = setTimeout(() => fail('no answer from the server in 120s'), 120000);

function fail(msg) {
	console.error(`yaml_lsp: ${msg}`);
	proc.kill();
	process.exit(2);
}

function send(msg) {
	const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
	proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
	proc.stdin.write(body);
}

let nextId = 1;
const pending = new Map(); // request id -> resolve
function request(method, params) {
	const id = nextId++;
	send({ id, method, params });
	return new Promise((resolve) => pending.set(id, resolve));
}
const notify = (method, params) => send({ method, params });

// The server's own requests: its settings through workspace/configuration, and null to the
// rest (capability registrations, progress tokens).
function answer(msg) {
	let result = null;
	if (msg.method === 'workspace/configuration')
		result = msg.params.items.map((it) => (it.section || '').split('.')
			.reduce((o, k) => (o && k ? o[k] : o), settings) ?? null);
	send({ id: msg.id, result });
}

// The first diagnostics published for each file: the answer to its didOpen.
const published = new Map(); // uri -> resolve
const diagnostics = (uri) => new Promise((resolve) => published.set(uri, resolve));
function dispatch(msg) {
	if (msg.method && msg.id !== undefined) {
		answer(msg);
	} else if (msg.method === 'textDocument/publishDiagnostics') {
		const resolve = published.get(msg.params.uri);
		published.delete(msg.params.uri);
		if (resolve)
			resolve(msg.params.diagnostics);
	} else if (msg.id !== undefined && pending.has(msg.id)) {
		if (msg.error)
			fail(`request ${msg.id}: ${msg.error.message}`);
		pending.get(msg.id)(msg.result);
		pending.delete(msg.id);
	}
}

let input = Buffer.alloc(0);
proc.stdout.on('data', (chunk) => {
	input = Buffer.concat([input, chunk]);
	for (;;) {
		const end = input.indexOf('\r\n\r\n');
		if (end < 0)
			return;
		const m = /Content-Length: *(\d+)/i.exec(input.subarray(0, end).toString('ascii'));
		if (!m)
			fail('a message without Content-Length');
		const len = Number(m[1]);
		if (input.length < end + 4 + len)
			return;
		dispatch(JSON.parse(input.subarray(end + 4, end + 4 + len).toString('utf8')));
		input = input.subarray(end + 4 + len);
	}
});

async function main() {
	const init = await request('initialize', {
		processId: process.pid,
		rootUri: null,
		capabilities: {
			workspace: { configuration: true, didChangeConfiguration: {} },
			textDocument: {
				publishDiagnostics: {},
				completion: { completionItem: { snippetSupport: true } },
			},
		},
	});
	notify('initialized', {});
	notify('workspace/didChangeConfiguration', { settings });
	// All open at once: the server validates each file after a pause of its own.
	const opened = files.map((f) => {
		const diagnosed = diagnostics(f.uri);
		notify('textDocument/didOpen', { textDocument:
			{ uri: f.uri, languageId: 'yaml', version: 1, text: fs.readFileSync(f.name, 'utf8') } });
		return diagnosed;
	});
	let ndiag = 0, ncomp = 0;
	for (const [i, f] of files.entries()) {
		for (const d of await opened[i]) {
			const s = d.range.start;
			console.log(`${f.name}:${s.line + 1}:${s.character + 1}: ` +
				`${severities[d.severity || 1]}: ${d.message.replace(/\s+/g, ' ')}`);
			ndiag++;
		}
		if (f.at) {
			const list = await request('textDocument/completion',
				{ textDocument: { uri: f.uri }, position: f.at });
			for (const it of Array.isArray(list) ? list : (list && list.items) || []) {
				console.log(`${f.name}:${f.at.line + 1}:${f.at.character + 1}: ` +
					`completion: ${it.label}`);
				ncomp++;
			}
		}
	}
	await request('shutdown', null);
	done = true;
	notify('exit', null);
	clearTimeout(timer);
	const info = init.serverInfo || {};
	console.log(`yaml_lsp: ${info.name || 'server'} ${info.version || '?'}: ${files.length} ` +
		`files, ${ndiag} diagnostics, ${ncomp} completions`);
}
main().catch((e) => fail(e.stack || String(e)));
