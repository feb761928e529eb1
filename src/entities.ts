import { Programme } from './programmes/programme.entity';
import { User } from './users/user.entity';

/** Every TypeORM entity (each lives in the folder of its table; the app and the CLI data source pass them to the database module). */
export const ENTITIES = [User, Programme];
