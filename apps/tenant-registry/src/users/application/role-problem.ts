import type { HttpException } from '@nestjs/common';
import { conflictField, forbiddenField, invalidField } from '@auraison/api-kit';
import type { RoleProblem } from '../domain/membership.js';

export function roleProblemException(problem: RoleProblem): HttpException {
  switch (problem.kind) {
    case 'invalid':
      return invalidField(problem.field, problem.message);
    case 'forbidden':
      return forbiddenField(problem.field, problem.message);
    case 'conflict':
      return conflictField(problem.field, problem.message);
  }
}
