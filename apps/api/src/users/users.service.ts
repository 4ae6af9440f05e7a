import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PERMISSIONS, type Permission } from '../common/auth/permissions';
import { UserEntity } from './user.entity';

@Injectable()
export class UsersService {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findActiveById(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id, active: true } });
  }

  /** Effective permissions: direct grants (roles join here with the access-control work). */
  effectivePermissions(user: UserEntity): Set<Permission> {
    const known = new Set<string>(PERMISSIONS);
    const out = new Set<Permission>();
    for (const p of user.permissions) if (known.has(p)) out.add(p as Permission);
    if (!user.isBootstrap) out.delete('tenants.manage');
    return out;
  }
}
