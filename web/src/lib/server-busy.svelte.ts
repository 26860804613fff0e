/**
 * How many API requests are waiting to be sent again because the server said it was busy
 * (retry-fetch.ts): the layout shows "busy, retrying" while any are, so a slow page or button
 * says why it is slow instead of looking stuck.
 */
class ServerBusy {
  waiting = $state(0);

  start() {
    this.waiting++;
  }

  end() {
    this.waiting = Math.max(0, this.waiting - 1);
  }
}

export const serverBusy = new ServerBusy();
