// Colyseus 0.17 peer for the gamerooms benchmark: a relay room, a tic-tac-toe room and a duel room.
// Usage: node server.js <port> [maxPayloadBytes]
"use strict";

const { Room, defineRoom, defineServer } = require("@colyseus/core");
const { WebSocketTransport } = require("@colyseus/ws-transport");

const port = Number(process.argv[2] || 2567);
const maxPayload = Number(process.argv[3] || 64 * 1024);

const LINES = [
  [0, 1, 2], [3, 4, 5], [6, 7, 8],
  [0, 3, 6], [1, 4, 7], [2, 5, 8],
  [0, 4, 8], [2, 4, 6],
];

// Rooms of 8: every message goes to everyone in the room, re-encoded once by Colyseus.
class Relay extends Room {
  onCreate() {
    this.maxClients = 8;
    this.patchRate = null;
    this.onMessage("*", (client, type, message) => this.broadcast(type, message));
  }
}

// Two seats alternate `place {cell}`; both get `update {seat, cell, board, next, winner, over}`.
class TicTacToe extends Room {
  onCreate() {
    this.maxClients = 2;
    this.patchRate = null;
    this.board = Array(9).fill(null);
    this.seats = [];
    this.next = 0;
    this.over = false;
    this.onMessage("place", (client, message) => this.place(client, message));
  }

  onJoin(client) {
    this.seats.push(client.sessionId);
    if (this.seats.length === 2) {
      this.lock();
      this.broadcast("start", { seats: this.seats });
    }
  }

  place(client, message) {
    const seat = this.seats.indexOf(client.sessionId);
    const cell = message && message.cell;
    if (this.over || this.seats.length < 2 || seat !== this.next) {
      client.send("error", { code: "not_your_turn" });
      return;
    }
    if (!Number.isInteger(cell) || cell < 0 || cell > 8 || this.board[cell] !== null) {
      client.send("error", { code: "illegal_action" });
      return;
    }
    this.board[cell] = seat;
    const line = LINES.find(([a, b, c]) => this.board[a] === seat && this.board[b] === seat && this.board[c] === seat);
    const full = this.board.every((mark) => mark !== null);
    this.over = Boolean(line) || full;
    this.next = 1 - seat;
    this.broadcast("update", {
      seat, cell, board: this.board, next: this.over ? null : this.next,
      winner: line ? seat : null, over: this.over,
    });
  }
}

// Matchmaking peer for the join storm: the second client to join makes the pair.
class Duel extends Room {
  onCreate() {
    this.maxClients = 2;
    this.patchRate = null;
  }

  onJoin() {
    if (this.clients.length === 2) {
      this.broadcast("matched", { roomId: this.roomId });
    }
  }
}

const server = defineServer({
  greet: false,
  transport: new WebSocketTransport({ maxPayload, perMessageDeflate: false, pingInterval: 20000 }),
  rooms: {
    relay: defineRoom(Relay).filterBy(["g"]),
    tictactoe: defineRoom(TicTacToe).filterBy(["g"]),
    duel: defineRoom(Duel),
  },
  express: (app) => {
    app.get("/healthz", (req, res) => res.json({ ok: true }));
  },
});

server.listen(port, "127.0.0.1").then(() => console.log(`colyseus peer on 127.0.0.1:${port}`));

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => process.exit(0));
}
