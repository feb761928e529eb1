import { Programme } from '../programmes/programme.entity';
import { User } from '../users/user.entity';

/** Every TypeORM entity. */
export const ENTITIES = [User, Programme];
