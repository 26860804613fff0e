import { servicesFromEnvironment } from "../aws/environment.js";
import { withRepositories } from "../services.js";
import { runScheduler } from "./run.js";

/**
 * The scheduler Lambda, invoked by EventBridge every minute. A failed run is not retried: the
 * next minute's run picks up whatever is still due.
 */
export const handler = async () => {
  // Timed closes start theme runs (SQS); reminders and notices are mailed (SES).
  const services = await servicesFromEnvironment({ enqueue: true, mail: true }, withRepositories);
  return runScheduler(services, new Date());
};
