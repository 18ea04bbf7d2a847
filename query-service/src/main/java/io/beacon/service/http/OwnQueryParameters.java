package io.beacon.service.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a route whose query parameters are not its {@code @QueryValue} arguments: it reads them
 * itself (and refuses the unknown ones with its own message), or a page's script does.
 * {@link KnownQueryParameters} leaves it alone.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OwnQueryParameters {}
