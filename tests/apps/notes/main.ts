// notes: an HTTP JSON API on port 8080 (docs/tutorial.md, part 2).
//   GET  /notes       every note, as a JSON array
//   POST /notes       the body (UTF-8 text) becomes a new note: 201 and the note
//   GET  /notes/:id   one note, or 404
import { HttpRequest, HttpResponse, HttpServer, JsonWriter, RouteHandler, RouteParams, Router, validUtf8 } from "morgana/http";
import { Stack } from "morgana/stack";
import "morgana/net/tcp";
import { Logger, fail, run } from "morgana/platform";

const MAX_NOTES = 100;
const MAX_TEXT = 1024;

class Note {
  constructor(readonly id: i32, readonly text: string) {}
  write(w: JsonWriter): void {
    w.beginObject().key("id").number(this.id).key("text").string(this.text).endObject();
  }
}

// Top-level state: AssemblyScript has no closures, but handlers may use
// module variables.
const notes: Note[] = [];

function sendJson(res: HttpResponse, status: i32, w: JsonWriter): void {
  res.sendText(status, w.toString(), "application/json");
}

function sendError(res: HttpResponse, status: i32, message: string): void {
  sendJson(res, status, new JsonWriter(256).beginObject().key("error").string(message).endObject());
}

class ListNotes extends RouteHandler {
  handle(req: HttpRequest, res: HttpResponse, params: RouteParams): void {
    const w = new JsonWriter(4096);
    w.beginArray();
    for (let i = 0; i < notes.length; i++) notes[i].write(w);
    sendJson(res, 200, w.endArray());
  }
}

class AddNote extends RouteHandler {
  handle(req: HttpRequest, res: HttpResponse, params: RouteParams): void {
    const body = req.body;
    if (body === null || body.length == 0) return sendError(res, 400, "send the note's text as the body");
    if (body.length > MAX_TEXT) return sendError(res, 413, "a note holds at most " + MAX_TEXT.toString() + " bytes");
    if (!validUtf8(body.dataStart, body.length)) return sendError(res, 400, "the body is not UTF-8 text");
    if (notes.length >= MAX_NOTES) return sendError(res, 507, "no room for another note");
    const note = new Note(notes.length + 1, String.UTF8.decodeUnsafe(body.dataStart, body.length));
    notes.push(note);
    const w = new JsonWriter(2048);
    note.write(w);
    sendJson(res, 201, w);
  }
}

class ShowNote extends RouteHandler {
  handle(req: HttpRequest, res: HttpResponse, params: RouteParams): void {
    const id = I32.parseInt(params.get("id")!);
    if (id < 1 || id > notes.length) return sendError(res, 404, "no note " + params.get("id")!);
    const w = new JsonWriter(2048);
    notes[id - 1].write(w);
    sendJson(res, 200, w);
  }
}

const router = new Router();
router.get("/notes", new ListNotes()).post("/notes", new AddNote()).get("/notes/:id", new ShowNote());

const stack = Stack.fromBootArguments();
if (!stack.tcp.listen(8080, new HttpServer(router))) fail("port 8080 is taken");
new Logger("notes").info("serving notes on port 8080");
run();
