import type { MePatch, UiLocale } from '@callflow/flow';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, ValidateIf } from 'class-validator';

/** The languages the editor is written in (libs/flow UiLocale; the users.locale CHECK lists the same). */
export const UI_LOCALES = ['en', 'it', 'ru'] as const satisfies readonly UiLocale[];

export class UpdateMeDto implements MePatch {
  @ApiProperty({
    enum: UI_LOCALES,
    nullable: true,
    description: "The editor's language for this user on every device; null forgets it (the browser's applies)",
  })
  @ValidateIf((_o, v) => v !== null)
  @IsIn(UI_LOCALES, { message: `locale must be one of ${UI_LOCALES.join(', ')} or null` })
  locale!: UiLocale | null;
}
