/** Today's date in UTC (`2027-03-14`): the finest time a thought or rating stores (DESIGN §3.7). */
export const today = (now = new Date()) => now.toISOString().slice(0, 10);
